"""The portal inbox (issue 14 item 9; C-AUD, C-REV, HS-W4, HS-W8): a badge with the unread
count, a list per role, marking read; the writers are the state-changing services
(`core.notify`), the owners of review decisions (`owners`), and the daily deadline sweep
(`deadlines`)."""
