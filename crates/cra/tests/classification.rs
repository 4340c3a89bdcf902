//! Classification: one test per Annex III/IV category and per Art. 2 exclusion, each with
//! a product description that should land there, and ten realistic devices whose class is
//! justified from the regulation in the test. Every test also checks that the printed
//! summary cites the legal reference that decided.

use crate::product;
use craft_cra::catalogue::{catalogue, Class};
use craft_cra::scope::{decide, markdown, Input, Kind, Scope};

fn decided(input: &Input) -> (Scope, String) {
    let scope = decide(input).unwrap_or_else(|p| panic!("undecided: {p:#?}"));
    let md = markdown("test product", &scope);
    (scope, md)
}

/// The product lands in `category` (its class, cited with its reference and title).
fn lands_in(category: &str, input: &Input) {
    let c = catalogue()
        .categories
        .iter()
        .find(|c| c.id == category)
        .unwrap();
    let (scope, md) = decided(input);
    assert!(scope.applicability.applies);
    assert_eq!(scope.classification.class, c.class, "{category}");
    assert!(
        scope
            .classification
            .deciding
            .iter()
            .any(|d| d.category == category),
        "{category}: {:?}",
        scope.classification.deciding
    );
    assert!(
        md.contains(&c.reference),
        "{category}: reference not printed\n{md}"
    );
    assert!(md.contains(&c.title), "{category}: title not printed\n{md}");
}

macro_rules! category {
    ($name:ident, $id:literal, $kind:ident, [$($f:literal),*], [$($i:literal),*]) => {
        #[test]
        fn $name() {
            lands_in($id, &product(Kind::$kind, &[$($f),*], &[$($i),*]));
        }
    };
}

// Annex III, Class I.
// An office door badge reader that checks cards against a controller.
category!(
    class_i_1_badge_reader,
    "annex-iii-class-i-1",
    Hardware,
    ["access-control-reader"],
    ["ethernet", "nfc"]
);
// A browser engine sold to TV makers to embed.
category!(
    class_i_2_embedded_browser,
    "annex-iii-class-i-2",
    Software,
    ["browser"],
    ["api"]
);
category!(
    class_i_3_password_manager,
    "annex-iii-class-i-3",
    Software,
    ["password-manager"],
    ["cloud-api"]
);
// An on-device malware scanner sold for Linux gateways.
category!(
    class_i_4_anti_malware,
    "annex-iii-class-i-4",
    Software,
    ["anti-malware"],
    ["update-channel"]
);
category!(
    class_i_5_vpn_client,
    "annex-iii-class-i-5",
    Software,
    ["vpn"],
    ["api"]
);
category!(
    class_i_6_network_management,
    "annex-iii-class-i-6",
    Software,
    ["network-management"],
    ["web-ui"]
);
category!(
    class_i_7_siem,
    "annex-iii-class-i-7",
    Software,
    ["siem"],
    ["api"]
);
// A bootloader licensed to device makers as a product of its own.
category!(
    class_i_8_boot_manager,
    "annex-iii-class-i-8",
    Software,
    ["boot-manager"],
    ["serial"]
);
category!(
    class_i_9_pki,
    "annex-iii-class-i-9",
    Software,
    ["pki"],
    ["api"]
);
// A PCIe Ethernet adapter.
category!(
    class_i_10_network_card,
    "annex-iii-class-i-10",
    Hardware,
    ["network-interface"],
    ["ethernet"]
);
// An embedded Linux distribution sold with support.
category!(
    class_i_11_operating_system,
    "annex-iii-class-i-11",
    Software,
    ["operating-system"],
    ["update-channel"]
);
category!(
    class_i_12_home_router,
    "annex-iii-class-i-12",
    Hardware,
    ["router"],
    ["ethernet", "wifi"]
);
// An application processor with a secure enclave.
category!(
    class_i_13_secure_soc,
    "annex-iii-class-i-13",
    Hardware,
    ["security-microprocessor"],
    ["debug"]
);
// A microcontroller with secure boot and key storage.
category!(
    class_i_14_secure_mcu,
    "annex-iii-class-i-14",
    Hardware,
    ["security-microcontroller"],
    ["debug", "serial"]
);
// An FPGA with bitstream encryption and authentication.
category!(
    class_i_15_secure_fpga,
    "annex-iii-class-i-15",
    Hardware,
    ["security-fpga"],
    ["debug"]
);
category!(
    class_i_16_voice_assistant,
    "annex-iii-class-i-16",
    Hardware,
    ["smart-home-assistant"],
    ["wifi", "bluetooth"]
);
category!(
    class_i_17_security_camera,
    "annex-iii-class-i-17",
    Hardware,
    ["security-camera"],
    ["wifi", "cloud-api"]
);
// A talking doll with a microphone and an app.
category!(
    class_i_18_talking_doll,
    "annex-iii-class-i-18",
    Hardware,
    ["connected-toy-social"],
    ["bluetooth"]
);
// A fitness band that tracks heart rate (not a medical device).
category!(
    class_i_19_fitness_tracker,
    "annex-iii-class-i-19",
    Hardware,
    ["health-monitoring-wearable"],
    ["bluetooth"]
);
// Annex III, Class II.
category!(
    class_ii_1_hypervisor,
    "annex-iii-class-ii-1",
    Software,
    ["hypervisor"],
    ["api"]
);
category!(
    class_ii_2_firewall,
    "annex-iii-class-ii-2",
    Hardware,
    ["firewall"],
    ["ethernet"]
);
category!(
    class_ii_3_tamper_resistant_cpu,
    "annex-iii-class-ii-3",
    Hardware,
    ["tamper-resistant-microprocessor"],
    ["serial"]
);
category!(
    class_ii_4_tamper_resistant_mcu,
    "annex-iii-class-ii-4",
    Hardware,
    ["tamper-resistant-microcontroller"],
    ["serial"]
);
// Annex IV.
category!(
    critical_1_hsm,
    "annex-iv-1",
    Hardware,
    ["hardware-security-box"],
    ["ethernet"]
);
category!(
    critical_2_smart_meter_gateway,
    "annex-iv-2",
    Hardware,
    ["smart-meter-gateway"],
    ["ethernet", "cellular", "fieldbus"]
);
category!(
    critical_3_secure_element,
    "annex-iv-3",
    Hardware,
    ["secure-element"],
    ["serial"]
);

#[test]
fn every_category_has_its_test_above() {
    // The tests above name these ids; a category added to the data needs a test too.
    let tested = [
        "annex-iii-class-i-1",
        "annex-iii-class-i-2",
        "annex-iii-class-i-3",
        "annex-iii-class-i-4",
        "annex-iii-class-i-5",
        "annex-iii-class-i-6",
        "annex-iii-class-i-7",
        "annex-iii-class-i-8",
        "annex-iii-class-i-9",
        "annex-iii-class-i-10",
        "annex-iii-class-i-11",
        "annex-iii-class-i-12",
        "annex-iii-class-i-13",
        "annex-iii-class-i-14",
        "annex-iii-class-i-15",
        "annex-iii-class-i-16",
        "annex-iii-class-i-17",
        "annex-iii-class-i-18",
        "annex-iii-class-i-19",
        "annex-iii-class-ii-1",
        "annex-iii-class-ii-2",
        "annex-iii-class-ii-3",
        "annex-iii-class-ii-4",
        "annex-iv-1",
        "annex-iv-2",
        "annex-iv-3",
    ];
    let ids: Vec<&str> = catalogue()
        .categories
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(ids, tested);
    let excl: Vec<&str> = catalogue()
        .exclusions
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(
        excl,
        [
            "medical-device",
            "in-vitro-diagnostic",
            "motor-vehicle",
            "certified-aviation",
            "marine-equipment",
            "l-category-vehicle",
            "spare-part",
            "national-security"
        ]
    );
}

/// The product is outside the CRA because of `exclusion`, cited.
fn excluded_by(exclusion: &str, reference: &str, mut input: Input) {
    input.answers.exclusions = Some(vec![exclusion.to_string()]);
    let (scope, md) = decided(&input);
    assert!(!scope.applicability.applies, "{exclusion}");
    assert!(scope.routes.is_empty() && scope.obligations.is_empty());
    assert!(md.contains("does not apply"), "{md}");
    assert!(
        md.contains(reference),
        "{exclusion}: {reference} not printed\n{md}"
    );
}

#[test]
fn excluded_insulin_pump_is_a_medical_device() {
    excluded_by(
        "medical-device",
        "Art. 2(2)(a)",
        product(Kind::Hardware, &[], &["bluetooth"]),
    );
}

#[test]
fn excluded_blood_analyser_is_an_ivd() {
    excluded_by(
        "in-vitro-diagnostic",
        "Art. 2(2)(b)",
        product(Kind::Hardware, &["data-logger"], &["ethernet"]),
    );
}

#[test]
fn excluded_car_infotainment_unit_is_type_approved() {
    excluded_by(
        "motor-vehicle",
        "Art. 2(2)(c)",
        product(
            Kind::Hardware,
            &["media-playback"],
            &["bluetooth", "cellular"],
        ),
    );
}

#[test]
fn excluded_certified_avionics() {
    excluded_by(
        "certified-aviation",
        "Art. 2(3)",
        product(Kind::Hardware, &[], &["fieldbus"]),
    );
}

#[test]
fn excluded_ship_radar_is_marine_equipment() {
    excluded_by(
        "marine-equipment",
        "Art. 2(4)",
        product(Kind::Hardware, &["display"], &["ethernet"]),
    );
}

#[test]
fn excluded_motorcycle_dashboard_is_l_category() {
    excluded_by(
        "l-category-vehicle",
        "Art. 2(5)",
        product(Kind::Hardware, &["display"], &["bluetooth"]),
    );
}

#[test]
fn excluded_identical_spare_part() {
    excluded_by(
        "spare-part",
        "Art. 2(6)",
        product(Kind::Hardware, &["router"], &["ethernet"]),
    );
}

#[test]
fn excluded_military_crypto_radio() {
    excluded_by(
        "national-security",
        "Art. 2(7)",
        product(Kind::Hardware, &[], &["wifi"]),
    );
}

#[test]
fn an_e_bike_designed_to_pedal_stays_in_scope() {
    // Art. 2(5) with Delegated Regulation (EU) 2025/1535: L1e vehicles designed to pedal are
    // the exception to the L-category exclusion.
    let mut bike = product(Kind::Hardware, &["display"], &["bluetooth"]);
    bike.answers.exclusions = Some(vec!["l1e-pedal".into()]);
    let (scope, md) = decided(&bike);
    assert!(scope.applicability.applies);
    assert!(md.contains("2025/1535"), "{md}");
}

// Ten realistic devices. Each comment gives the reasoning from the regulation.

#[test]
fn device_smart_door_lock_is_class_i() {
    // Annex III Class I point 17 names smart door locks. It runs an embedded OS, but
    // integrating an operating system does not make it one (Art. 7(1), FAQ 3.2).
    let mut lock = product(
        Kind::Hardware,
        &["smart-door-lock"],
        &["bluetooth", "thread"],
    );
    lock.integrates = vec!["operating-system".into()];
    let (scope, md) = decided(&lock);
    assert_eq!(scope.classification.class, Class::ImportantClassI);
    assert_eq!(scope.classification.deciding.len(), 1);
    assert_eq!(
        scope.classification.integrated[0].reference,
        "Annex III, Class I, point 11"
    );
    assert!(md.contains("Annex III, Class I, point 17"), "{md}");
    assert!(
        md.contains("does not classify the product by itself"),
        "{md}"
    );
}

#[test]
fn device_industrial_router_is_class_i() {
    // An industrial cellular router forwards traffic to the internet (Annex III Class I
    // point 12) and terminates VPN tunnels (point 5); both are Class I.
    let (scope, md) = decided(&product(
        Kind::Hardware,
        &["router", "vpn"],
        &["ethernet", "cellular", "web-ui"],
    ));
    assert_eq!(scope.classification.class, Class::ImportantClassI);
    assert!(md.contains("point 12") && md.contains("point 5"), "{md}");
}

#[test]
fn device_smart_meter_gateway_is_critical() {
    // Annex IV point 2: smart meter gateways within smart metering systems.
    let (scope, md) = decided(&product(
        Kind::Hardware,
        &["smart-meter-gateway"],
        &["ethernet", "fieldbus", "cellular"],
    ));
    assert_eq!(scope.classification.class, Class::Critical);
    assert!(md.contains("Annex IV, point 2"), "{md}");
}

#[test]
fn device_baby_monitor_is_class_i() {
    // Annex III Class I point 17 names baby monitoring systems.
    let (scope, md) = decided(&product(Kind::Hardware, &["baby-monitor"], &["wifi"]));
    assert_eq!(scope.classification.class, Class::ImportantClassI);
    assert!(md.contains("baby monitoring systems"), "{md}");
}

#[test]
fn device_hypervisor_is_class_ii() {
    // Annex III Class II point 1: hypervisors.
    let (scope, md) = decided(&product(Kind::Software, &["hypervisor"], &["api"]));
    assert_eq!(scope.classification.class, Class::ImportantClassII);
    assert!(md.contains("Annex III, Class II, point 1"), "{md}");
}

#[test]
fn device_hsm_is_critical() {
    // Annex IV point 1: hardware devices with security boxes (an HSM is the type case).
    let (scope, md) = decided(&product(
        Kind::Hardware,
        &["hardware-security-box"],
        &["ethernet"],
    ));
    assert_eq!(scope.classification.class, Class::Critical);
    assert!(md.contains("Annex IV, point 1"), "{md}");
}

#[test]
fn device_plain_temperature_sensor_is_default() {
    // Not in Annex III or IV: default; any Art. 32(1) procedure, Module A included.
    let (scope, md) = decided(&product(Kind::Hardware, &["sensor"], &["wifi"]));
    assert_eq!(scope.classification.class, Class::Default);
    let a = scope.routes.iter().find(|r| r.id == "module-a").unwrap();
    assert!(a.allowed);
    // The scheme route only where a scheme is available and applied.
    let scheme = scope.routes.iter().find(|r| r.id == "eu-scheme").unwrap();
    assert!(!scheme.allowed);
    assert!(
        md.contains("Art. 32(1)") && md.contains("Art. 7(1)"),
        "{md}"
    );
}

#[test]
fn device_medical_monitor_is_outside_the_cra() {
    // A patient monitor under Regulation (EU) 2017/745: Art. 2(2)(a) excludes it.
    let mut monitor = product(Kind::Hardware, &["remote-monitoring"], &["wifi"]);
    monitor.answers.exclusions = Some(vec!["medical-device".into()]);
    let (scope, md) = decided(&monitor);
    assert!(!scope.applicability.applies);
    assert!(
        md.contains("2017/745") && md.contains("Art. 2(2)(a)"),
        "{md}"
    );
}

#[test]
fn device_browser_is_class_i() {
    // Annex III Class I point 2: standalone and embedded browsers.
    let (scope, md) = decided(&product(Kind::Software, &["browser"], &["api"]));
    assert_eq!(scope.classification.class, Class::ImportantClassI);
    assert!(md.contains("Standalone and embedded browsers"), "{md}");
}

#[test]
fn device_firewall_appliance_is_class_ii() {
    // Annex III Class II point 2: firewalls. It also routes (Class I point 12): the highest
    // class of its core functions decides.
    let (scope, md) = decided(&product(
        Kind::Hardware,
        &["firewall", "router"],
        &["ethernet"],
    ));
    assert_eq!(scope.classification.class, Class::ImportantClassII);
    assert_eq!(scope.classification.deciding.len(), 2);
    assert!(md.contains("Annex III, Class II, point 2"), "{md}");
    let a = scope.routes.iter().find(|r| r.id == "module-a").unwrap();
    assert!(!a.allowed, "Class II may not use Module A (Art. 32(3))");
}
