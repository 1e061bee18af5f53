"""Planning readers: the CSV model format, targets, changes, monetary and real tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from asamblea.formats.errors import FormatError
from asamblea.formats.planning import (
    economy_from_flows,
    load_model,
    read_changes_csv,
    read_model_csv,
    read_targets_csv,
)
from tests.datasets import TEST_DATA, data_dir

DATA = TEST_DATA / "planning"


def write(tmp_path: Path, text: str, name: str = "m.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_village_model() -> None:
    economy = read_model_csv(DATA / "aldea.csv")
    assert economy.products == ("maíz", "pan")
    assert economy.technique_names == ("maíz", "pan:horno_de_leña", "pan:horno_solar")
    np.testing.assert_array_equal(economy.technique_product, [0, 1, 1])
    np.testing.assert_allclose(economy.inputs.toarray(), [[0.2, 0.5, 0.5], [0, 0, 0]])
    np.testing.assert_allclose(economy.labour, [1, 1, 2])
    assert economy.labour_limit == 100
    assert economy.resources == ("leña",)
    np.testing.assert_allclose(economy.resource_limits, [40])
    assert np.all(np.isinf(economy.capacity_array))


def test_flows_form_divides_by_output(tmp_path: Path) -> None:
    path = write(tmp_path, "row,a,b,limit\na,2,1,\nb,0,4,\nlabour,10,8,100\n"
                           "resource:agua,4,0,\ncapacity,,3,\noutput,10,8,\n")
    economy = read_model_csv(path)
    np.testing.assert_allclose(economy.inputs.toarray(), [[0.2, 0.125], [0, 0.5]])
    np.testing.assert_allclose(economy.labour, [1, 1])
    np.testing.assert_allclose(economy.resource_use.toarray(), [[0.4, 0]])
    assert np.isinf(economy.resource_limits[0])
    np.testing.assert_allclose(economy.capacity_array, [np.inf, 3])


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("fila,a,b\na,0,x\nb,0,0\ntrabajo,1,1\n", 2, "no es un número"),
        ("fila,a,b\na,0,0,7,8\nb,0,0\ntrabajo,1,1\n", 2, "columnas"),
        ("fila,a,c\na,0,0\nb,0,0\ntrabajo,1,1\n", 1, "'c'"),
        ("fila,a,b\na,0,0\nb,0,0\na,1,1\ntrabajo,1,1\n", 4, "repetida"),
        ("fila,a,b\na,0,0\nb,0,-1\ntrabajo,1,1\n", None, "no válido"),
        ("fila,a,b\na,0,0\nb,0,0\n", None, "trabajo"),
        ("fila,a,b\na,1,0\nb,0,0\ntrabajo,1,1\nproduccion,0,1\n", 5, "positiva"),
    ],
)
def test_model_errors_name_file_and_line(tmp_path: Path, text: str, line: int | None,
                                         message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(FormatError, match=message) as caught:
        read_model_csv(path)
    assert caught.value.path == str(path)
    assert caught.value.line == line


def test_missing_file() -> None:
    with pytest.raises(FormatError, match="no existe"):
        read_model_csv(Path("/nonexistent/model.csv"))


def test_targets_and_floors(tmp_path: Path) -> None:
    economy = read_model_csv(DATA / "aldea.csv")
    goal = read_targets_csv(DATA / "aldea_metas.csv", economy)
    np.testing.assert_allclose(goal.levels, [10, 20])
    np.testing.assert_allclose(goal.floors, [0, 0])
    floors = write(tmp_path, "producto,piso\nmaíz,3\n", "pisos.csv")
    goal = read_targets_csv(DATA / "aldea_metas.csv", economy, floors)
    np.testing.assert_allclose(goal.floors, [3, 0])
    bad = write(tmp_path, "producto,meta\nmaíz,1\narroz,2\n", "malas.csv")
    with pytest.raises(FormatError, match="arroz") as caught:
        read_targets_csv(bad, economy)
    assert caught.value.line == 3
    negative = write(tmp_path, "producto,meta\nmaíz,-1\n", "neg.csv")
    with pytest.raises(FormatError, match="negativo"):
        read_targets_csv(negative, economy)


def test_changes() -> None:
    changes = read_changes_csv(DATA / "aldea_cambios.csv")
    assert [(c.kind, c.name, c.value, c.percent) for c in changes] == [
        ("target", "pan", 50.0, True), ("labour_limit", "", 90.0, False)]


def test_bad_change_kind(tmp_path: Path) -> None:
    path = write(tmp_path, "tipo,nombre,valor\nmeta,pan,10\nprecio,pan,3\n", "c.csv")
    with pytest.raises(FormatError, match="precio") as caught:
        read_changes_csv(path)
    assert caught.value.line == 3


def test_monetary_table_by_hand() -> None:
    # Z = [[10, 20], [30, 0]], x = (100, 50): A = [[0.1, 0.4], [0.3, 0]]; final demand
    # x - Z 1 = (70, 20); wages (40, 10) → labour per unit (0.4, 0.2), limit 50.
    loaded = economy_from_flows(("a", "b"), np.array([[10.0, 20.0], [30.0, 0.0]]),
                                np.array([100.0, 50.0]), np.array([40.0, 10.0]),
                                resources={"imports": np.array([5.0, 5.0])})
    np.testing.assert_allclose(loaded.economy.inputs.toarray(), [[0.1, 0.4], [0.3, 0.0]])
    np.testing.assert_allclose(loaded.economy.labour, [0.4, 0.2])
    assert loaded.economy.labour_limit == 50.0
    np.testing.assert_allclose(loaded.economy.resource_use.toarray(), [[0.05, 0.1]])
    np.testing.assert_allclose(loaded.baseline, [70.0, 20.0])


def test_uk2015_copy() -> None:
    loaded = load_model(DATA / "uk2015")
    economy = loaded.economy
    assert economy.n_products == 129
    assert economy.products[0].startswith("Crop And Animal Production, Hunting And Related")
    # ukgreen's labtargs.csv gives 928459 for year 1; the 129 rounded entries add up to 928458.
    assert economy.labour_limit == pytest.approx(928459, abs=2)
    assert economy.resources == ("importaciones",)


def test_full_tables() -> None:
    folder = data_dir("planning")
    chile = load_model(folder / "chile2008_bcch_111").economy
    assert chile.n_products == 111
    assert chile.products[0] == "Cultivos anuales (cereales y otros) y forrajeras"
    uk = load_model(folder / "uk2015_cockshott_ukgreen").economy
    assert uk.n_products == 129
    pymrio = load_model(folder / "pymrio_test_mrio").economy
    assert pymrio.n_products == 48
    assert pymrio.products[:2] == ("reg1/food", "reg1/mining")
    five = load_model(folder / "cockshott_5yearplan_example")
    assert five.economy.labour_limit == 3.0
    np.testing.assert_allclose(five.baseline, [0.1, 3.0, 0.0, 2.0])


def test_five_year_plan_coefficients() -> None:
    # flows.csv: coal column (1, output 6) → a_coal,coal = 1/6; bread uses 1 corn of output 1.
    loaded = load_model(DATA / "five_year_plan")
    a = loaded.economy.inputs.toarray()
    assert a[1, 1] == pytest.approx(1 / 6)
    assert a[2, 3] == pytest.approx(1.0)
    np.testing.assert_allclose(loaded.economy.labour, [0.03, 1 / 6, 0.2, 0.1])


def test_pymrio_output_is_row_sum_of_z_and_y() -> None:
    loaded = load_model(DATA / "pymrio_test")
    economy = loaded.economy
    assert economy.n_products == 48
    assert len(economy.resources) == 2
    # coefficients times output give back the flows: column sums of A below 1
    assert float(economy.inputs.sum(axis=0).max()) < 1.0


def test_unknown_folder(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="carpeta"):
        load_model(tmp_path)
