"""Trust layer: masking personal data, sanitising source HTML, publication gates."""
