"""Bundled data, synthetic data generators and reference tables for NexusML."""
