"""Programme applications: plans, institution consent, district and centre review (AP-W1, AP-C1…C4, AP-N4, AP-I2, AP-I4)."""
