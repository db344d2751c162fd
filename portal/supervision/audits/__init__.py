"""Third-party audits (AP-V4, HS-W10): the centre commissions an audit firm, grants it
read access to programmes or a whole year, and records the firm's conclusion per
organisation and year; the auditor reads what it was granted and downloads an evidence
package. A failed audit vetoes the performance evaluation (`supervision.evaluations`)."""
