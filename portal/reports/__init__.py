"""Reports (issue 14): dashboards, the audit-log viewer, notifications, background jobs and
the exports they produce."""
