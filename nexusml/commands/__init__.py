"""Entry points: headless training, the legacy script, nexusml-predict and nexusml-evaluate, and what they share."""
