from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, who sees it: "all" logged-in people or "coordinator")
NAVIGATION = [
    (_("Overview"), "dashboard", "all"),
    (_("My meetings"), "meetings:my_meetings", "all"),
    (_("Meetings"), "meetings:list", "all"),
    (_("Members"), "members:organisation_list", "all"),
    (_("Projects"), "projects:list", "all"),
    (_("Climate activities"), "projects:activity_list", "all"),
    (_("Survey"), "surveys:list", "coordinator"),
    (_("Controlling"), "controlling:index", "coordinator"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    items = []
    for label, url_name, audience in NAVIGATION:
        if audience == "coordinator" and not user.is_coordinator:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": False})
    # The most specific entry is the current one (/meetings/mine/ is not also /meetings/).
    current = request.path
    matching = [
        item
        for item in items
        if current == item["url"] or (item["url"] != "/" and current.startswith(item["url"]))
    ]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return {"navigation": items}
