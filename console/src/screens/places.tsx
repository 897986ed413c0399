import { useState } from "preact/hooks";
import { type Building, must, type Unit } from "../api";
import { useDesk } from "../context";
import { Problem, RecordChoices } from "../forms";
import { t } from "../i18n";
import { Field, TableHead } from "../ui";

const ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** The property's prefix of building and unit ids, as the demo directory writes them ("sun-b1", "sun-1-0101"). */
function prefix(code: string | undefined): string {
  return (code ?? "prop").toLowerCase();
}

/** A new building's id: the next free number after the property's numbered buildings (sun-b3 after sun-b2). */
function newBuildingId(code: string | undefined, buildings: Building[]): string {
  const base = `${prefix(code)}-b`;
  const taken = buildings.map((b) => (b.id.startsWith(base) ? Number(b.id.slice(base.length)) : 0));
  return `${base}${Math.max(0, ...taken.filter(Number.isFinite)) + 1}`;
}

/** A new unit's id from its building and number (sun-3-0101), so the desk reads it as "3-0101". */
function newUnitId(code: string | undefined, building: string, number: string): string {
  const base = `${prefix(code)}-b`;
  const short = building.startsWith(base) ? building.slice(base.length) : building;
  const id = `${prefix(code)}-${short}-${number}`;
  return ID.test(id) ? id : `unit-${crypto.randomUUID().slice(0, 8)}`;
}

/** Buildings (楼栋) and their units (房号): the manager adds one or picks one and changes it. */
export function Places({ buildings, units, onSaved }: { buildings: Building[]; units: Unit[]; onSaved: () => void }) {
  return (
    <>
      <h3>
        {t("buildings")} · {t("units")}
      </h3>
      <table class="places">
        <TableHead columns={[t("buildings"), t("units")]} />
        <tbody>
          {buildings.map((b) => (
            <tr key={b.id}>
              <td>{b.name}</td>
              <td>
                {units
                  .filter((u) => u.building_id === b.id)
                  .map((u) => (u.contract_signed ? u.number : `${u.number} (${t("unsigned")})`))
                  .join(", ")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <BuildingForm buildings={buildings} onSaved={onSaved} />
      <UnitForm buildings={buildings} units={units} onSaved={onSaved} />
    </>
  );
}

function BuildingForm({ buildings, onSaved }: { buildings: Building[]; onSaved: () => void }) {
  const desk = useDesk();
  const [buildingId, setBuildingId] = useState("");
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const pick = (id: string) => {
    setBuildingId(id);
    setName(buildings.find((b) => b.id === id)?.name ?? "");
    setError(null);
  };
  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const property_id = desk.property?.id ?? "";
    try {
      if (buildingId) {
        await must(
          desk.api.PUT("/properties/{property_id}/buildings/{record_id}", {
            params: { path: { property_id, record_id: buildingId } },
            body: { id: buildingId, name: name.trim() },
          }),
        );
      } else {
        const id = newBuildingId(desk.property?.code, buildings);
        await must(
          desk.api.POST("/properties/{property_id}/buildings", {
            params: { path: { property_id } },
            body: { id, name: name.trim() },
          }),
        );
        setName("");
      }
      desk.notify(`${t("buildings")}: ${t("saved")}`);
      onSaved();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form class="row" onSubmit={save} aria-label={t("buildings")}>
      <Field label={t("buildingPick")}>
        <RecordChoices value={buildingId} records={buildings} onPick={pick} none={t("newBuilding")} />
      </Field>
      <Field label={t("buildingName")}>
        <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <button type="submit">{t("save")}</button>
      <Problem error={error} />
    </form>
  );
}

function UnitForm({ buildings, units, onSaved }: { buildings: Building[]; units: Unit[]; onSaved: () => void }) {
  const desk = useDesk();
  const [unitId, setUnitId] = useState("");
  const [building, setBuilding] = useState(buildings[0]?.id ?? "");
  const [number, setNumber] = useState("");
  const [signed, setSigned] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const pick = (id: string) => {
    const unit = units.find((u) => u.id === id);
    setUnitId(id);
    setBuilding(unit?.building_id ?? building);
    setNumber(unit?.number ?? "");
    setSigned(unit?.contract_signed ?? false);
    setError(null);
  };
  const buildingName = (id: string) => buildings.find((b) => b.id === id)?.name ?? id;
  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const property_id = desk.property?.id ?? "";
    const body = { building_id: building, number: number.trim(), contract_signed: signed };
    try {
      if (unitId) {
        await must(
          desk.api.PUT("/properties/{property_id}/units/{record_id}", {
            params: { path: { property_id, record_id: unitId } },
            body: { id: unitId, ...body },
          }),
        );
      } else {
        const id = newUnitId(desk.property?.code, building, body.number);
        await must(
          desk.api.POST("/properties/{property_id}/units", { params: { path: { property_id } }, body: { id, ...body } }),
        );
        setNumber("");
        setSigned(false);
      }
      desk.notify(`${t("units")}: ${t("saved")}`);
      onSaved();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form class="row" onSubmit={save} aria-label={t("units")}>
      <Field label={t("unitPick")}>
        <RecordChoices
          value={unitId}
          records={units.map((u) => ({ id: u.id, name: `${buildingName(u.building_id)} ${u.number}` }))}
          onPick={pick}
          none={t("newUnit")}
        />
      </Field>
      <Field label={t("building")}>
        <select required value={building} onChange={(e) => setBuilding(e.currentTarget.value)}>
          {buildings.map((b) => (
            <option key={b.id} value={b.id}>
              {b.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t("unitNumber")}>
        <input required value={number} maxLength={20} onInput={(e) => setNumber(e.currentTarget.value)} />
      </Field>
      <label class="check">
        <input type="checkbox" checked={signed} onChange={(e) => setSigned(e.currentTarget.checked)} />{" "}
        {t("contractSigned")}
      </label>
      <button type="submit">{t("save")}</button>
      <Problem error={error} />
    </form>
  );
}
