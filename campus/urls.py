from django.urls import path

from . import views

app_name = "campus"
urlpatterns = [
    path("staff/space/", views.buildings, name="staff_space"),
    path("staff/space/buildings/<int:pk>/timeline/", views.building_timeline, name="staff_space_timeline"),
    path("staff/space/buildings/<int:pk>/vacancies/", views.building_vacancies, name="staff_space_vacancies"),
    path("staff/space/buildings/<int:pk>/floors/", views.building_floors, name="staff_space_floors"),
]
