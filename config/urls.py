from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from pulang.access.http import PUBLIC, declare
from pulang.returns import views as returns_views

urlpatterns = [
    path("", include("pulang.core.urls")),
    path("akun/", include("pulang.accounts.urls")),
    path("wilayah/", include("pulang.regions.urls")),
    path("orang/", include("pulang.people.urls")),
    path("kedatangan/", include("pulang.arrivals.urls")),
    path("shelter/", include("pulang.shelters.urls")),
    path("kasus/", include("pulang.cases.urls")),
    path("pulang/", include("pulang.returns.urls")),
    path("rujukan/", include("pulang.sharing.urls")),
    path("tindak-lanjut/", include("pulang.empowerment.urls")),
    path("laporan/", include("pulang.reports.urls")),
    path("ekspor/", include("pulang.exports.urls")),
    path("verifikasi/", returns_views.verify_view, name="verify"),
    path("data-ganda/", include("pulang.matching.urls")),
    path("audit/", include("pulang.audit.urls")),
    path("api/v1/", include("pulang.api.urls")),
    path("i18n/setlang/", declare(PUBLIC, methods=("POST",))(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

handler400 = "pulang.core.views.bad_request"
handler403 = "pulang.core.views.permission_denied"
handler404 = "pulang.core.views.page_not_found"
handler500 = "pulang.core.views.server_error"
