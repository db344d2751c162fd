"""HS-W9 certificates, HS-$1 funding claims, HS-W10 spot checks and audits, HS-$2 disqualification and recovery."""
