from django.contrib import admin

from .models import AwardRound


@admin.register(AwardRound)
class AwardRoundAdmin(admin.ModelAdmin):
    list_display = ["year", "ceremony_date", "presenter_th", "digit_style", "validity_years"]
