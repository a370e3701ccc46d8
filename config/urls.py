from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("pulang.core.urls")),
    path("akun/", include("pulang.accounts.urls")),
    path("wilayah/", include("pulang.regions.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "pulang.core.views.bad_request"
handler403 = "pulang.core.views.permission_denied"
handler404 = "pulang.core.views.page_not_found"
handler500 = "pulang.core.views.server_error"
