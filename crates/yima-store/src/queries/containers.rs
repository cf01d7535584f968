//! The `containers` table: labels this device knows.

use crate::error::StoreError;
use crate::rows::{bytes_col, ContainerRow, Hot, Tx};
use rusqlite::{params, OptionalExtension};
use yima_codes::LabelCode;
use yima_core::{ContainerLabel, EventId};

macro_rules! columns {
    () => {
        "code, event_id, waste_code, category, name, producer, generated_on, quantity_milli, unit, catalogue_edition"
    };
}

fn map(r: &rusqlite::Row<'_>) -> rusqlite::Result<ContainerRow> {
    Ok(ContainerRow {
        code: r.get(0)?,
        event_id: bytes_col(r, 1)?,
        waste_code: r.get(2)?,
        category: r.get(3)?,
        name: r.get(4)?,
        producer: r.get(5)?,
        generated_on: r.get(6)?,
        quantity_milli: r.get(7)?,
        unit: r.get(8)?,
        catalogue_edition: r.get(9)?,
    })
}

impl Tx<'_> {
    /// Records a container's label, created by `event`.
    pub fn insert_container(
        &self,
        label: &ContainerLabel,
        event: &EventId,
        edition: &str,
    ) -> Result<(), StoreError> {
        self.run_hot(
            Hot::InsertContainer,
            concat!(
                "INSERT INTO containers (",
                columns!(),
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
            ),
            params![
                label.code.as_str(),
                &event.as_bytes()[..],
                label.waste_code.to_string(),
                label.category.to_string(),
                label.name,
                label.producer.credit_code.as_str(),
                label.generated_on.to_string(),
                label.quantity.milli,
                label.quantity.unit.symbol(),
                edition,
            ],
        )?;
        Ok(())
    }

    /// One container's row.
    pub fn container(&self, code: &LabelCode) -> Result<Option<ContainerRow>, StoreError> {
        Ok(self
            .tx
            .prepare_cached(concat!(
                "SELECT ",
                columns!(),
                " FROM containers WHERE code = ?1"
            ))?
            .query_row([code.as_str()], map)
            .optional()?)
    }

    /// Every container row, in code order.
    pub fn containers(&self) -> Result<Vec<ContainerRow>, StoreError> {
        let mut stmt = self.tx.prepare_cached(concat!(
            "SELECT ",
            columns!(),
            " FROM containers ORDER BY code"
        ))?;
        let rows = stmt.query_map([], map)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Codes of every container this device has events for, known label or not.
    pub fn container_codes(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT DISTINCT container FROM event_links ORDER BY container")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
