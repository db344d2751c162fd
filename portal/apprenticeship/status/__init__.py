"""Changes of status (学籍异动): suspension, resumption, extension, withdrawal, transfer (AP-P2, C-REV)."""
