"""操作日志, the audit-log viewer (issue 14 item 8): C-AUD, C-DIST, C-PII.

* Who sees what (C-DIST): the centre every entry; a district the entries about its own
  records (resolved per record kind through the record's district, organisation,
  programme, enrolment or claim: `access.py`) and the entries its own staff wrote. Entries
  about city-level records (catalogues, parameters, funds, calls) are the centre's only.
* Paging: keyset on the primary key, newest first; one query a page plus one naming the
  page's people (`query.py`), so a page costs the same at 500 or 500,000 rows.
* C-PII: ID numbers and mobiles inside comments are masked; a person-related entry shows
  the name with a masked ID, and "显示完整身份证号" is a POST that writes its own
  `view_full_id` entry (the code the enrolment page already uses) before answering.
* Export: the filtered entries as xlsx, in the request up to `export.EXPORT_CAP` rows, or as
  a background job (`core.jobs`, progress bar, the starter's alone) up to `export.JOB_CAP`.
* Not indexed: `action` (no index on audit_log.action), so an action filter scans the
  table newest-first until a page is full (~0.2 s for a rare action at 565k rows on
  PostgreSQL); every other filter rides an index or a small hashed subquery.
"""
