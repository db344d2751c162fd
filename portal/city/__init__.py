"""A generated city for benchmarks and query-plan tests (`flask seed-scale`).

Believable records in every state at city scale, in the portal's own schema, written with
bulk Core inserts so that 30,000 apprentices take well under two minutes. Never in
production (the command refuses there).
"""
