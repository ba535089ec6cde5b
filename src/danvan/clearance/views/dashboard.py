"""(Filled in by the slice that builds these pages.)"""

urlpatterns: list = []
