"""Sending: the HTTP boundary, pacing, retries, batching and batch splitting."""
