//! What the person may do: `GET /api/users/me`, then the permissions it links to. Read once for
//! every screen, and again after a 403 or a new API key. A server that does not answer these
//! routes leaves the console as it was before it knew of permissions: everything is offered and
//! the server decides.

use std::cell::RefCell;
use std::sync::Arc;

use api_model::{UserPermissionSet, UserResource};
use futures::future::{FutureExt, LocalBoxFuture, Shared};

use super::{client, urls, ApiError};

/// Who the person is and what they may do, as far as the server says.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Access {
    /// Not read (yet), or the server has no such routes: offer everything.
    #[default]
    Unknown,
    Known(Arc<UserPermissionSet>),
}

type Reading = Shared<LocalBoxFuture<'static, Access>>;

thread_local! {
    static ACCESS: RefCell<Option<Reading>> = const { RefCell::new(None) };
}

/// The person's access, asked once for every screen.
pub async fn access() -> Access {
    let reading = ACCESS.with(|a| {
        a.borrow_mut()
            .get_or_insert_with(|| read().boxed_local().shared())
            .clone()
    });
    reading.await
}

/// Forgets what was read: after a 403 (a role changed meanwhile) or a new API key.
pub fn forget_access() {
    ACCESS.with(|a| a.borrow_mut().take());
}

async fn read() -> Access {
    let known = async {
        let user: UserResource = client::get_shared(urls::current_user()).await?;
        let permissions: UserPermissionSet =
            client::get_shared(urls::permissions(&user.id)).await?;
        Ok::<_, ApiError>(Access::Known(Arc::new(permissions)))
    };
    known.await.unwrap_or_default()
}
