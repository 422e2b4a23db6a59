from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]
