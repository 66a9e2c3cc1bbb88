"""The analyzer with the taxonomy's words as its compound lexicon, built once per process."""

import threading

from clusterscape.registry.models import Field

from . import analysis

_lock = threading.Lock()
_analyzer: analysis.Analyzer | None = None


def current_analyzer() -> analysis.Analyzer:
    """The analyzer whose compound lexicon holds the taxonomy's labels and synonyms in both
    languages (read from the database on first use; `reset_analyzer` forgets it)."""
    global _analyzer
    with _lock:
        if _analyzer is None:
            labels = []
            for name_de, name_en, synonyms in Field.objects.values_list(
                "name_de", "name_en", "synonyms"
            ):
                labels.extend([name_de, name_en, *synonyms.split(";")])
            _analyzer = analysis.Analyzer.from_labels(labels)
        return _analyzer


def reset_analyzer() -> None:
    global _analyzer
    with _lock:
        _analyzer = None
