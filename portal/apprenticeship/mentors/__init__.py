"""Enterprise mentors and institution teachers, and their assignment to apprentices (AP-M1…M4)."""
