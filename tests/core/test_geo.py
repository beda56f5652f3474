from custseg.core.geo import trade_blocs


def test_a_trade_blocs_file_is_read_anew_each_time(tmp_path):
    path = tmp_path / "blocs.csv"
    path.write_text("bloc,country_code\nEU,de\n", encoding="utf-8")
    assert trade_blocs(str(path)) == {"DE": ["EU"]}
    path.write_text("bloc,country_code\nEFTA,ch\nEU,de\nEEA,de\n", encoding="utf-8")
    assert trade_blocs(str(path)) == {"CH": ["EFTA"], "DE": ["EEA", "EU"]}


def test_the_bundled_trade_blocs_are_read_once():
    assert trade_blocs() is trade_blocs(None)
