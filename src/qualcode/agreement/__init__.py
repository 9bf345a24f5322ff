"""Inter-coder agreement: units, coefficients, disagreements, consensus."""
