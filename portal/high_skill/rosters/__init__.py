"""HS-W4 trainee lists and plan filing, HS-W5 filed versions, HS-E1…E3."""
