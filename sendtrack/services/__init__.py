"""Services are the only code that writes to the database. They add and flush; the request
commits once at the end (see sendtrack.__init__). Each raises DomainError subclasses that a
view turns into a form error."""
