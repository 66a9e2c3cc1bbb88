"""Static file storage for production: hashed names and compressed copies (WhiteNoise)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CompressedHashedStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage without rewriting `sourceMappingURL` comments: the front-end
    packages' builds name source maps that are not copied into the site (only the files it
    uses are), and a missing map would otherwise fail `collectstatic`."""

    patterns = tuple(
        (glob, tuple(p for p in rules if "sourceMappingURL" not in str(p)))
        for glob, rules in CompressedManifestStaticFilesStorage.patterns
    )
