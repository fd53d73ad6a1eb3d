import IntakeAlignment

/// A small master-data set written for these tests: café items, office supplies, MRO parts,
/// devices and a graph with the transformer and oat-milk rules.
enum DemoMaster {
    static let materialsCSV = """
        sku,name,aliases,unit,category,handling,unit_price
        CAF-1,Americano,americano|hot americano,cup,cafe.coffee,,2.90
        CAF-2,Iced Americano,iced americano|ice americano,cup,cafe.coffee,chilled,3.20
        CAF-3,Cappuccino,cappuccino|capp,cup,cafe.coffee,,3.40
        CAF-4,Flat White,flat white,cup,cafe.coffee,,3.40
        CAF-5,Butter Croissant,croissant|butter croissant,each,cafe.bakery,,2.10
        CAF-6,Oat Milk 1L,oat milk carton|oat milk 1l,carton,cafe.dairy,chilled,2.50
        CAF-7,Latte,latte|caffe latte,cup,cafe.coffee,,3.30
        CAF-8,Still Water 500ml,still water|water bottle,bottle,cafe.beverage.cold,,1.50
        OFF-1,A4 Copy Paper 80gsm,a4 paper|copy paper,ream,office.paper,,4.20
        OFF-2,HP 26A Toner Cartridge,hp 26a|cf226a,each,office.toner,,89.00
        OFF-3,Staples 26/6,staples,box,office.stationery,,1.10
        MRO-1,Deep Groove Ball Bearing 6205-2RS,6205-2rs|6205 bearing,each,mro.bearing,,6.40
        MRO-2,Deep Groove Ball Bearing 6206-2RS,6206-2rs|6206 bearing,each,mro.bearing,,7.10
        MRO-3,Transformer Oil 20L Drum,transformer oil|insulating oil,drum,mro.oil.transformer,hazmat,120.00
        MRO-4,Transformer Oil Sample Kit,oil sample kit,set,mro.inspection,,35.00
        MRO-5,Mechanical Seal 25mm,mechanical seal,each,mro.seal,,55.00
        """

    static let devicesCSV = """
        device_id,type,site,bearing_model,n_balls,ball_diameter_mm,pitch_diameter_mm,contact_angle_deg,nominal_rpm,machine_group,foundation
        P-101,pump,plant-1,6205-2RS,9,7.94,39.04,0,2950,2,rigid
        T3,transformer,plant-2,,,,,,,,rigid
        """

    static let graphYAML = """
        version: 1
        procedures:
          - code: Q/SP-2025-07
            title: Transformer shutdown inspection for low oil level
            order_type: inspection
            priority: high
            parts:
              - sku: MRO-4
                quantity: 1
            forbids: [refill_oil]
          - code: MNT-PMP-01
            title: Pump mechanical seal replacement
            order_type: repair
            parts:
              - sku: MRO-5
            forbids: []
        actions:
          - id: refill_oil
            phrases: [refill, top up, add oil]
        symptoms:
          - id: transformer_oil_low
            phrases: [oil level low, low oil level, oil low]
            asset_types: [transformer]
            diagnosis: oil_level_low
            procedure: Q/SP-2025-07
          - id: seal_leak
            phrases: [seal leak, leaking seal, pump leaking]
            asset_types: [pump]
            diagnosis: seal_leak
            procedure: MNT-PMP-01
        modifiers:
          - id: oat_milk
            phrases: [oat milk, oatmilk]
            handling: [chilled]
          - id: no_straw
            phrases: [no straw, without straw]
            note: no straw
          - id: to_go
            phrases: [to go, takeaway]
            note: to go
        """

    static func load() throws -> MasterData {
        let materials = try MaterialMaster.parse(materialsCSV, file: "materials.csv")
        return MasterData(
            materials: materials,
            devices: try DeviceRegistry.parse(devicesCSV, file: "devices.csv"),
            graph: try IntentGraph.parse(graphYAML, file: "graph.yaml", materials: materials))
    }

    static func aligner() throws -> IntentAligner {
        IntentAligner(master: try load())
    }
}
