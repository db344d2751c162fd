"""Training delivery: credits and hours, class sessions with QR check-in, leave (AP-C4, AP-P1, AP-P2, AP-P3)."""
