from django import forms

from regionalbuendnis.widgets import LongSelect


class ColourForm(forms.Form):
    colour = forms.ChoiceField(choices=[("", "—"), ("1", "Grün & <Blau>"), ("2", "Rot")], widget=LongSelect)


def test_renders_every_option_escaped_with_the_selection():
    html = str(ColourForm(data={"colour": "2"})["colour"])
    assert html.startswith('<select name="colour" class="form-select" id="id_colour" required>')
    assert '<option value="1">Grün &amp; &lt;Blau&gt;</option>' in html
    assert '<option value="2" selected>Rot</option>' in html
    assert html.count("selected") == 1


def test_the_chosen_value_comes_back_validated():
    assert ColourForm(data={"colour": "1"}).is_valid()
    assert not ColourForm(data={"colour": "3"}).is_valid()
