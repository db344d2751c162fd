"""Request-side helpers shared by every page: full page or htmx block, toasts, route tables, the commit helper, the inline review decision."""
