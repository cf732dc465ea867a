//! Short lowercase names for the crate's choices (activations, models, optimizers, backends),
//! as typed on the command line and in URLs.

/// For a fieldless enum: `ALL`, `name`, `parse_name` (case-insensitive, errors listing the
/// accepted names), `Display`, and `FromStr` unless `custom_from_str` is given.
macro_rules! named_choice {
    ($ty:ident, $what:literal, { $($variant:ident => $name:literal),+ $(,)? } $(, $custom:ident)?) => {
        impl $ty {
            /// Every choice, in the order menus list them.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The short lowercase name.
            pub fn name(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }

            /// Parse a name, ignoring case and surrounding spaces.
            ///
            /// # Errors
            /// [`Error::UnknownName`](crate::error::Error::UnknownName) listing the accepted names.
            pub fn parse_name(s: &str) -> $crate::error::Result<Self> {
                let wanted = s.trim();
                Self::ALL.iter().copied().find(|c| c.name().eq_ignore_ascii_case(wanted)).ok_or_else(|| {
                    $crate::error::Error::UnknownName {
                        what: $what,
                        given: s.into(),
                        expected: Self::ALL.iter().map(|c| c.name()).collect::<Vec<_>>().join(", "),
                    }
                })
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.name())
            }
        }

        $crate::choice::named_choice!(@from_str $ty $(, $custom)?);
    };
    (@from_str $ty:ident) => {
        impl ::std::str::FromStr for $ty {
            type Err = $crate::error::Error;

            fn from_str(s: &str) -> $crate::error::Result<Self> {
                Self::parse_name(s)
            }
        }
    };
    (@from_str $ty:ident, custom_from_str) => {};
}

pub(crate) use named_choice;
