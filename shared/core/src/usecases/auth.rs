//! Authentication: a presented key is hashed and looked up by its hash; the
//! stored hash is then compared in constant time.

use subtle::ConstantTimeEq;

use crate::error::CoreError;
use crate::model::api_key::{hash_key, Principal};
use crate::Ports;

pub async fn authenticate(ports: &Ports, presented: &str) -> Result<Principal, CoreError> {
    if presented.is_empty() || presented.len() > 512 {
        return Err(CoreError::Unauthorized);
    }
    let hash = hash_key(presented);
    let Some(key) = ports.keys.find_key_by_hash(&hash).await? else {
        return Err(CoreError::Unauthorized);
    };
    if !bool::from(key.hash.as_bytes().ct_eq(hash.as_bytes())) {
        return Err(CoreError::Unauthorized);
    }
    let key = crate::usecases::keys::note_use(ports, key).await;
    Ok(Principal { key_id: key.id, user: key.user, email: key.email, role: key.role })
}
