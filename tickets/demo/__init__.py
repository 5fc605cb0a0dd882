"""Demo data for `manage.py demo_data`: a Persian software company's support desk, ninety days in."""
