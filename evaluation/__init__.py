"""Offline measurement, beside bench/: gold corpus loading, scoring, the plain-Presidio
baseline and the report behind ``sourceguard evaluate``.
"""
