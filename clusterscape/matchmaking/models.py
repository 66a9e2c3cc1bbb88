"""The match index (derived from the registry, rebuildable with `manage.py
rebuild_match_index`) and what visitors keep of their matches (bookmarks).

The index has one `MatchProfile` per published organisation (what the score reads) and
`MatchPosting` rows (key → organisation) from which candidates are drawn, so a
recommendation never scans all pairs. Keys:

    f:<field>        works in a field           a:<area>       works in an area
    o:<field>:<cap>  offers field × capability  s:<field>:<cap> seeks it
    of:<field> oc:<cap>  offers in a field / a capability (either part alone)
    sf:<field> sc:<cap>  seeks in a field / a capability
    t:<term>         text term (analysed as search does), weight = tf weight
    c:<country>      located in                 tc:<country>   looks for partners in
    pc:<country>     has partners in            st:<state>     German state
    p:<programme>    member of a programme
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterscape.registry.models import Organisation


class MatchProfile(models.Model):
    """What the score needs of one published organisation, analysed once."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, primary_key=True, related_name="match_profile"
    )
    country = models.CharField(max_length=2, db_index=True)
    kind = models.CharField(max_length=30)
    data = models.JSONField(default=dict)
    words = models.JSONField(default=dict)  # term → a word that made it (for reasons)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("match profile")
        verbose_name_plural = _("match profiles")

    def __str__(self) -> str:
        return f"match profile {self.organisation_id}"


class MatchPosting(models.Model):
    """One key of an organisation's profile (see the module's docstring)."""

    key = models.CharField(max_length=120)
    profile = models.ForeignKey(MatchProfile, on_delete=models.CASCADE, related_name="postings")
    weight = models.FloatField(default=1.0)
    # The profile's country, so the programme's rule (partners abroad) needs no join.
    country = models.CharField(max_length=2, default="")

    class Meta:
        verbose_name = _("match posting")
        verbose_name_plural = _("match postings")
        indexes = [
            models.Index(
                fields=["key", "profile", "weight", "country"], name="match_posting_cover"
            ),
            models.Index(fields=["profile"], name="match_posting_profile"),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.profile_id}"


class MatchTerm(models.Model):
    """How many profiles hold a text term (for its idf), kept with every index write."""

    term = models.CharField(max_length=120, primary_key=True)
    df = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("match term")
        verbose_name_plural = _("match terms")

    def __str__(self) -> str:
        return f"{self.term} ({self.df})"


class Bookmark(models.Model):
    """An organisation a signed-in user keeps as a possible partner (visitors keep theirs
    in the session)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="match_bookmarks"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="bookmarked_by"
    )
    created_at = models.DateTimeField(_("bookmarked"), auto_now_add=True)

    class Meta:
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="match_bookmark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"
