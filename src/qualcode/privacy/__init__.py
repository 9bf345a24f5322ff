"""What could identify a person in a text or a file: findings, detectors and the review file."""
