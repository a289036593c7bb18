"""The software's version: what a station tells central, and central tells a station.

Its own module so that any module may read it without importing the app factory
(``kiosk/__init__.py`` imports every feature, and a feature importing it back
would be a cycle).
"""
__version__ = "0.1.0"
