"""Use cases over the store: every function is one unit of work.

Front ends call these and get plain frozen dataclasses back; no ORM object
and no session leaves this package.
"""
