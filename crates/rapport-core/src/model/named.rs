//! Enums whose variants have a name people type and storage keeps.

/// Declares such an enum with `ALL`, `as_str`, `Display`, serde names and a `FromStr` whose
/// error names the field and lists the choices.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident: $field:literal, $what:literal {
            $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// Every variant, in the order people see them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and typed name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::error::Invalid;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let key = s.trim().to_ascii_lowercase();
                Self::ALL.iter().copied().find(|v| v.as_str() == key).ok_or_else(|| {
                    let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    $crate::error::Invalid::new(
                        $field,
                        format!("unknown {} {s:?}; expected one of: {}", $what, names.join(", ")),
                    )
                })
            }
        }
    };
}

pub(crate) use named_enum;
