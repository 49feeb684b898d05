# The default simulated meter as temsim(1) VALUES documents it, without read_at:
# `meter N` is its temread line at address N.  Loaded by temread.bats and tcp.bats.
sys1='{"n":1,"type":"two_pipe","type_code":4,"comma":4,"energy_mwh":4066.66875,"mass_t":118085.39375,"volume_m3":122150.0625,"t_ch":[1,2],"t_c":[70.5,45.25],"p_ch":[1,2],"p_mpa":[0.625,0.375],"flow_ch":[1,2],"flow_m3h":[2.25,2],"flow_th":[2.125,1.875],"t_supply_c":70.5,"t_return_c":45.25,"dt_c":25.25,"flow_supply_m3h":2.25,"flow_supply_th":2.125,"flow_return_m3h":2,"flow_return_th":1.875,"time_ok_s":194421453,"time_flow_low_s":135120,"time_flow_high_s":0,"time_dt_low_s":67560,"time_fault_s":0}'
sys2='{"n":2,"type":"hot_water_dead_end","type_code":8,"comma":3,"energy_mwh":4084.66875,"mass_t":41446.6875,"volume_m3":41456.6875,"t_ch":[3,4],"t_c":[55,8.75],"p_ch":[3],"p_mpa":[0.5],"flow_ch":[3],"flow_m3h":[0.75],"flow_th":[0.75],"time_ok_s":194218773,"time_flow_low_s":270240,"time_flow_high_s":0,"time_dt_low_s":135120,"time_fault_s":0}'
meter() {
	echo '{"address":'"$1"',"model":"ТЕМС106","serial":'"$((1000000 + $1))"',"meter_clock":"2026-03-02T14:15:33","flash_kib":1024,"systems_count":2,"energy_total_mwh":8151.3375,"time_on_s":194624133,"systems":['"$sys1,$sys2"']}'
}
