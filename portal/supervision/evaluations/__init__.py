"""Performance evaluation (绩效评价, AP-V4): districts (their own enterprises, C-DIST) and the
centre score an enterprise for a year against the centre's indicator list; the total gives
the conclusion by the bands of `portal.rules.evaluation_conclusion`, and a failed third-party
audit of the same enterprise and year forces 不合格 (一票否决)."""
