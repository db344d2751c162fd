"""Background jobs seen by their owner (issue 14 item 6): the progress page that polls, the
list of the user's recent jobs, the download of a finished job's file; and the first kinds
of work run that way: the centre's city-wide ledger export (AP-$6). The machinery is
`portal.core.jobs`; a job and its file are only ever its starter's (C-PII, C-DIST)."""
