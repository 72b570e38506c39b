//! Sealing the plain secrets a data dir or table holds from before secrets
//! were sealed: every stored connection and schedule that has a plain
//! secret is written back through the sealed ports. Run once per start;
//! when nothing is plain it only reads.

use super::sealed_connections::map_secrets as connection_secrets;
use super::sealed_schedules::map_secrets as schedule_secrets;
use super::secret_box::is_sealed;
use crate::model::page::PageRequest;
use crate::ports::{ConnectionStore, ScheduleStore};
use crate::{PortError, Ports};

/// Reads the raw stores (`raw_*`: not the sealed ports, so plain values can
/// be seen) and rewrites what has a plain secret through `ports`. Returns
/// how many connections and schedules were sealed.
pub async fn seal_stored_secrets(
    ports: &Ports,
    raw_connections: &dyn ConnectionStore,
    raw_schedules: &dyn ScheduleStore,
) -> Result<u64, PortError> {
    let mut sealed = 0;
    let mut page = PageRequest::first(500);
    loop {
        let found = raw_connections.list_connections(None, &page).await?;
        for c in found.items {
            let mut plain = false;
            connection_secrets(c.clone(), |v| {
                plain |= !is_sealed(v);
                Ok(v.to_string())
            })?;
            if plain {
                // Through the sealed port: it opens (a no-op on plain values) and seals.
                ports.connections.update_connection(&c).await?;
                sealed += 1;
            }
        }
        match found.next_cursor {
            Some(cursor) => page = PageRequest { size: 500, cursor: Some(cursor) },
            None => break,
        }
    }
    let mut page = PageRequest::first(500);
    loop {
        let found = raw_schedules.list_schedules(None, &page).await?;
        for s in found.items {
            let mut plain = false;
            schedule_secrets(s.clone(), |v| {
                plain |= !is_sealed(v);
                Ok(v.to_string())
            })?;
            if plain {
                // A concurrent change wins; it is sealed by the port anyway.
                let mut s = s;
                if ports.schedules.update_schedule(&mut s).await? {
                    sealed += 1;
                }
            }
        }
        match found.next_cursor {
            Some(cursor) => page = PageRequest { size: 500, cursor: Some(cursor) },
            None => break,
        }
    }
    Ok(sealed)
}
