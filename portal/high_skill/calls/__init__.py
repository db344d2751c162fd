"""HS-W1: the centre's quarterly calls for projects (征集) with the year's specialty
directions; HS-H1 and HS-$2: whether an organisation may host (承办) today."""
