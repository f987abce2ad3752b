//! Pages for residents, apart from the staff's: sending a petition and following it by its
//! tracking code. (The public site's own layout comes with the portal; these pages extend
//! the shared `base.html` until then.)

pub mod submit;
