"""HS-W1: the centre's calls for projects; HS-H1 hosts."""
