from django import forms


class AccessibleErrorsMixin(forms.BaseForm):
    """Ties each field's error list to its input (aria-describedby, aria-invalid), so screen
    readers announce the error with the field, as WCAG 2.1 (3.3.1) asks."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            described_by = [f"{bound.auto_id}_errors"]
            if self.fields[name].help_text:
                described_by.append(f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(described_by)
            self.fields[name].widget.attrs["aria-invalid"] = "true"
