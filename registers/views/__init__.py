"""Register screens. Each module holds one area's views and its `urlpatterns`."""
