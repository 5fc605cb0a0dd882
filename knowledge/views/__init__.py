"""Views by audience: public.py for every reader, staff.py for support staff."""
