"""AP-V1: district inspections (视频抽查、现场抽查) of programmes, drawn from a reproducible
random sample; the enterprise and the institution are notified and read the findings."""
