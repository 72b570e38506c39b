//! A recurrence in words for the schedules table:
//! `Weekly on Mon, Wed at 09:00 (Europe/Berlin)`.

use ferry_core::recurrence::{Frequency, RecurrenceInput};

/// Month names, January first; the schedule form's `Month` lists them too.
pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The one sentence for a recurrence (as stored: already validated).
pub fn describe(r: &RecurrenceInput) -> String {
    let interval = r.interval.unwrap_or(1);
    let every = |one: &str, unit: &str| {
        if interval == 1 {
            one.to_string()
        } else {
            format!("Every {interval} {unit}")
        }
    };
    let day = match r.month_day {
        Some(-1) => "the last day".to_string(),
        Some(d) => format!("day {d}"),
        None => "the day of its start".to_string(),
    };
    let when = match r.frequency {
        Frequency::Daily => every("Daily", "days"),
        Frequency::Weekly => {
            format!("{} on {}", every("Weekly", "weeks"), weekdays(r.weekdays.as_deref().unwrap_or(&[])))
        }
        Frequency::Monthly => format!("{} on {day}", every("Monthly", "months")),
        Frequency::Yearly => {
            let month = r.month.and_then(|m| MONTHS.get((m - 1) as usize)).copied().unwrap_or("January");
            let on = match r.month_day {
                Some(-1) => format!("the last day of {month}"),
                Some(d) => format!("{d} {month}"),
                None => format!("1 {month}"),
            };
            format!("{} on {on}", every("Yearly", "years"))
        }
    };
    let mut text = format!("{when} at {} ({})", r.time, r.timezone);
    if let Some(end) = &r.end {
        text.push_str(&format!(", until {end}"));
    }
    text
}

/// `["MON", "WED"]` → `Mon, Wed`.
fn weekdays(days: &[String]) -> String {
    days.iter()
        .map(|d| {
            let mut c = d.chars();
            match c.next() {
                Some(first) => first.to_uppercase().chain(c.flat_map(char::to_lowercase)).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(frequency: Frequency, interval: Option<u32>) -> RecurrenceInput {
        RecurrenceInput {
            frequency,
            interval,
            weekdays: None,
            month_day: None,
            month: None,
            time: "09:00".into(),
            timezone: "Europe/Berlin".into(),
            start: None,
            end: None,
        }
    }

    #[test]
    fn daily_and_every_n_days() {
        assert_eq!(describe(&rec(Frequency::Daily, None)), "Daily at 09:00 (Europe/Berlin)");
        assert_eq!(describe(&rec(Frequency::Daily, Some(3))), "Every 3 days at 09:00 (Europe/Berlin)");
    }

    #[test]
    fn weekly_names_its_weekdays() {
        let mut r = rec(Frequency::Weekly, Some(1));
        r.weekdays = Some(vec!["MON".into(), "WED".into()]);
        assert_eq!(describe(&r), "Weekly on Mon, Wed at 09:00 (Europe/Berlin)");
        r.interval = Some(2);
        r.timezone = "America/New_York".into();
        r.time = "17:30".into();
        assert_eq!(describe(&r), "Every 2 weeks on Mon, Wed at 17:30 (America/New_York)");
    }

    #[test]
    fn monthly_on_a_day_or_the_last_day() {
        let mut r = rec(Frequency::Monthly, None);
        r.month_day = Some(15);
        assert_eq!(describe(&r), "Monthly on day 15 at 09:00 (Europe/Berlin)");
        r.month_day = Some(-1);
        r.interval = Some(3);
        r.timezone = "Asia/Kolkata".into();
        assert_eq!(describe(&r), "Every 3 months on the last day at 09:00 (Asia/Kolkata)");
    }

    #[test]
    fn yearly_names_the_month_and_an_end() {
        let mut r = rec(Frequency::Yearly, None);
        r.month = Some(3);
        r.month_day = Some(15);
        assert_eq!(describe(&r), "Yearly on 15 March at 09:00 (Europe/Berlin)");
        r.month = Some(2);
        r.month_day = Some(-1);
        r.interval = Some(2);
        r.end = Some("2030-12-31".into());
        r.timezone = "UTC".into();
        assert_eq!(describe(&r), "Every 2 years on the last day of February at 09:00 (UTC), until 2030-12-31");
    }
}
